"""One module per export family; each registers its readers with the format registry."""
