"""Production models from MLflow into the models volume, versioned and switched atomically."""
