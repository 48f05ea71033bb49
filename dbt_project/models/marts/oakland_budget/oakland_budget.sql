with adopted as (

    select
        fiscal_year, department_as_published, account_type, fund_code,
        null::text as fund_name, account_category, amount,
        'FY22-23__adopted.csv' as source_file
    from {{ ref('stg_oakland__adopted_budget') }}

),

workbook as (

    select
        fiscal_year, department_as_published, account_type, fund_code,
        fund_name, account_category, amount,
        'BudgetData_for_Public_Adopted_FY2016-17_Midcycle.xlsx' as source_file
    from {{ ref('stg_oakland__budget_workbook') }}

),

department_names as (

    select * from {{ ref('oakland_department_names') }}

),

-- the workbook names each fund; the CSV only numbers them
fund_names as (

    select fund_code, min(fund_name) as fund_name
    from workbook
    where fund_name is not null
    group by fund_code

),

lines as (

    select * from adopted
    union all
    select * from workbook

),

unified as (

    select
        lines.fiscal_year,
        (2000 + substring(lines.fiscal_year from 'FY(\d{2})')::integer)     as fiscal_year_start,
        coalesce(department_names.department, lines.department_as_published) as department,
        lines.fund_code,
        coalesce(lines.fund_name, fund_names.fund_name)                     as fund_name,
        lines.account_type,
        lines.account_category,
        lines.amount,
        lines.source_file
    from lines
    left join department_names using (department_as_published)
    left join fund_names using (fund_code)

),

final as (

    select
        concat_ws('|', fiscal_year, department, fund_code, account_type, account_category)
                                                                        as budget_line_key,
        fiscal_year,
        fiscal_year_start,
        department,
        fund_code,
        min(fund_name)                                                  as fund_name,
        account_type,
        account_category,
        sum(amount)::double precision                                   as amount,
        count(*)                                                        as source_lines,
        min(source_file)                                                as source_file
    from unified
    group by fiscal_year, fiscal_year_start, department, fund_code, account_type,
             account_category

)

select * from final
