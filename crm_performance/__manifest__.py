{
    "name": "CRM Performance Appraisals",
    "summary": "KPI-based performance appraisals of sales and service staff from native CRM data",
    "version": "19.0.1.0.0",
    "category": "Sales/CRM",
    "author": "crm_performance contributors",
    "website": "https://github.com/crm-performance/crm_performance",
    "license": "LGPL-3",
    "depends": ["crm", "hr"],
    "data": [
        "security/crm_performance_groups.xml",
    ],
    "installable": True,
    "application": True,
}
