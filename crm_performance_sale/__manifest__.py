{
    "name": "CRM Performance Appraisals - Sales",
    "summary": "KPIs on confirmed sales orders (revenue, orders, order value, price retention, "
    "repurchase) and the plan Sales (orders and invoices)",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "author": "crm_performance contributors",
    "website": "https://github.com/crm-performance/crm_performance",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["crm-performance"],
    "depends": ["crm_performance_account", "sale"],
    "data": [
        "data/crm_kpi_definition_data.xml",
        "data/crm_appraisal_plan_data.xml",
    ],
    "installable": True,
    "auto_install": True,
    "uninstall_hook": "uninstall_hook",
}
