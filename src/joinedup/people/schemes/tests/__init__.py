"""Tests for the scheme data files and their loader: plain pytest, no Django."""
