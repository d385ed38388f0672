"""Speech recognition: the Whisper model (bundled or a local directory), batched and windowed decoding, flags."""
