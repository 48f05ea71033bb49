-- Oakland's adopted budget by department, and by department and account category, with
-- the change from the previous fiscal year in the data. The two years available are six
-- years apart (FY16-17, FY22-23): the change is between them, and the annual rate says
-- what it comes to per year. No actual spending is in the sources, so there is no
-- budget-to-actual variance here.
with budget as (

    select * from {{ ref('oakland_budget') }}
    where amount is not null

),

by_category as (

    select
        'department_category'                                           as breakdown,
        fiscal_year, fiscal_year_start, account_type, department, account_category,
        sum(amount)                                                     as amount
    from budget
    group by fiscal_year, fiscal_year_start, account_type, department, account_category

),

by_department as (

    select
        'department',
        fiscal_year, fiscal_year_start, account_type, department, null::text,
        sum(amount)
    from budget
    group by fiscal_year, fiscal_year_start, account_type, department

),

lines as (

    select * from by_category
    union all
    select * from by_department

),

years as (

    select fiscal_year, fiscal_year_start,
           lag(fiscal_year) over (order by fiscal_year_start)         as previous_fiscal_year,
           lag(fiscal_year_start) over (order by fiscal_year_start)   as previous_fiscal_year_start
    from (select distinct fiscal_year, fiscal_year_start from budget) as budget_years

),

compared as (

    select
        lines.*,
        years.previous_fiscal_year,
        lines.fiscal_year_start - years.previous_fiscal_year_start     as years_between,
        previous.amount                                                 as previous_amount
    from lines
    inner join years using (fiscal_year, fiscal_year_start)
    left join lines as previous
        on previous.fiscal_year = years.previous_fiscal_year
       and previous.breakdown = lines.breakdown
       and previous.account_type = lines.account_type
       and previous.department = lines.department
       and previous.account_category is not distinct from lines.account_category

),

final as (

    select
        concat_ws('|', breakdown, fiscal_year, account_type, department, account_category)
                                                                        as change_key,
        breakdown,
        fiscal_year,
        fiscal_year_start,
        account_type,
        department,
        account_category,
        round(amount::numeric, 2)::double precision                    as amount,
        previous_fiscal_year,
        years_between,
        round(previous_amount::numeric, 2)::double precision           as previous_amount,
        round((amount - previous_amount)::numeric, 2)::double precision
                                                                        as change,
        round((100 * (amount - previous_amount) / nullif(abs(previous_amount), 0))::numeric, 1)
                                                                        ::double precision
                                                                        as change_pct,
        -- compound rate per year; only between two positive amounts
        case when amount > 0 and previous_amount > 0 and years_between > 0
             then round((100 * (power(amount / previous_amount, 1.0 / years_between) - 1))
                        ::numeric, 1)::double precision end            as annual_change_pct
    from compared

)

select * from final
