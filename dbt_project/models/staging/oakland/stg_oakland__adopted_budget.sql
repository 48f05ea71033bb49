with source as (

    select * from {{ source('oakland', 'oakland_budget') }}

),

renamed as (

    select
        trim(budget_year)                                           as fiscal_year,
        trim(department)                                            as department_as_published,
        lower(trim(account_type))                                   as account_type,
        trim(fund_code)                                             as fund_code,
        -- the file writes some categories with a leading or doubled space
        regexp_replace(trim(account_category), '\s+', ' ', 'g')     as account_category,
        {{ parse_amount('amount') }}                                as amount

    from source

)

select * from renamed
