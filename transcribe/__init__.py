"""Audio in, transcript out: decoding, the session archive, speech detection, recognition, diarization and the
data model every other package of notulist builds on."""
