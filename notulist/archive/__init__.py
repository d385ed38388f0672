"""The session archive: the session folder, its manifest and hashes, and the hash-chained audit log."""
