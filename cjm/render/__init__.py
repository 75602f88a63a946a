"""Renderers: a journey drawn as HTML, Graphviz, Mermaid and Markdown."""
