"""The service desk's records: none yet. Tickets, their event histories and service-level
agreements come with the next part of issue 15."""
