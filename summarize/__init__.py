"""Minutes and reports: summarisers (extractive default, local LLM backends), citation checking, and the HTML and
DOCX report renderers."""
