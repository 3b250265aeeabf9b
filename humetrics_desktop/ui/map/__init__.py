"""The choropleth map widget of the Growth view."""
