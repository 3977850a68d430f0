"""HTTP layer: thin handlers, schemas, middlewares."""
