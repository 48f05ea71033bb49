"""The public portal's pages: language, freshness and the views the templates show."""
