"""The clinic's website: render site/, upload it, serve it locally as CloudFront does."""
