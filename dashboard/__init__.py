"""Plotly Dash app over the fact table."""
