"""Tests for the payroll engine: plain pytest, no Django."""
