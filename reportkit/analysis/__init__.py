"""Analyses of the client base: facts and numbers, no words of the report."""
