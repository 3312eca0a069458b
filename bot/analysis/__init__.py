"""What analysts and commissioners get out: exports, the codebook and the summary report."""
