"""Audio in: decoding files into the lossless archive and 16 kHz mono, microphone capture, voice activity."""
