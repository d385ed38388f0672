"""``notulist serve``: review, correct, name and approve sessions in the browser (Starlette app, local only)."""
