"""Pure renderers: knowledge base in, text out. They never write files."""
