"""Reports of a session: HTML and DOCX, and the plain exports (txt, srt, vtt)."""
