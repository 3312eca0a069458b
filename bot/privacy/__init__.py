"""Privacy by construction: redaction of free text, pseudonyms, sealed contact details and
quiet logs."""
