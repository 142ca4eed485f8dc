"""The client-month panel and the client snapshot every analysis starts from."""
