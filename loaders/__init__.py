"""ofsted-kg loaders."""
