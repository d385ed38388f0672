"""The vocabulary every stage shares: the data model, errors, progress reporting, hashing."""
