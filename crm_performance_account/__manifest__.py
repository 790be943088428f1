{
    "name": "CRM Performance Appraisals - Invoicing",
    "summary": "KPIs on customer invoices: invoiced revenue net of credit notes, paid revenue, "
    "collection and return rates",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "author": "crm_performance contributors",
    "website": "https://github.com/crm-performance/crm_performance",
    "license": "LGPL-3",
    "development_status": "Beta",
    "maintainers": ["crm-performance"],
    "depends": ["crm_performance", "account"],
    "data": [
        "security/ir.model.access.csv",
        "security/crm_performance_receivable_security.xml",
        "data/crm_kpi_definition_data.xml",
        "views/crm_performance_receivable_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
