"""Qt table models over column arrays (no item per cell), for views with many rows."""
