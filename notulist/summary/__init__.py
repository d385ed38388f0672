"""Minutes: summarisers (extractive default, local LLM backends) and the citation check."""
