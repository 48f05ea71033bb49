"""The transparency report: the published figures of the city's services, budget and open
data platform, rendered as HTML and PDF (charts and a map drawn as SVG on the server)."""
