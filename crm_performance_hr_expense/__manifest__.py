{
    "name": "CRM Performance Appraisals - Expenses",
    "summary": "KPIs on approved expenses of salespeople: sales expenses and expense-to-revenue ratio",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "author": "crm_performance contributors",
    "website": "https://github.com/crm-performance/crm_performance",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["crm-performance"],
    "depends": ["crm_performance_account", "hr_expense"],
    "data": [
        "data/crm_kpi_definition_data.xml",
    ],
    "installable": True,
    "auto_install": True,
}
