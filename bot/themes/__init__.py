"""What parents say in their own words, coded into themes staff can edit: the codebook
language (`codebook`, checked by `check`), word forms in English and Polish (`forms`), the coder
(`coder`) and the sentiment it gives each comment (`sentiment`). Pure: no I/O but reading the
package's own data once (the sentiment weights, the word-form dictionaries)."""

#: Theme codebooks are the YAML files in a folder of this name, beside the flows folder.
THEMES_FOLDER = "themes"
