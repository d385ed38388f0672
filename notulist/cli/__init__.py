"""The ``notulist`` command: argument parsing, the progress bar and the terminal view. Only this package prints."""
