"""The load test (`joinedup bench load`, `make load`): the demo served by gunicorn and read by
Locust users of four roles. driver.py runs the steps, plan.py signs the users in, locustfile.py is
the scenario and report.py makes the figures."""
