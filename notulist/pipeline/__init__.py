"""The pipeline as a library: a recording in, a committed session out."""
