"""Streamlit glue shared by the pages: the connection, the sidebar context, cached reads.

Nothing here computes business numbers; it connects widgets to ``analytics``.
"""
