"""Article models arrive with the technique-articles issue."""
