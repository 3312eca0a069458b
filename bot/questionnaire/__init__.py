"""The questionnaire language that engagement staff write in flows/*.yaml, and its checker."""
