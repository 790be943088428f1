"""Payroll sync for crm_performance."""
