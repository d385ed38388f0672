"""Who spoke when: the diarizer interface, the embedded Resemblyzer backend and the optional pyannote backend."""
