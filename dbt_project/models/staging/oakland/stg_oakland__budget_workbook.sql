with source as (

    select * from {{ source('oakland', 'oakland_budget__workbook') }}

),

renamed as (

    select
        trim(budget_year_name)                                      as fiscal_year,
        trim(department)                                            as department_as_published,
        lower(trim(account_type))                                   as account_type,
        trim(fund)                                                  as fund_code,
        nullif(trim(fund_and_descrciption), '')                     as fund_name,
        -- "11 - Services & Supplies" → "Services & Supplies", as the CSV names it
        regexp_replace(regexp_replace(trim(type), '^\d+\s*-\s*', ''), '\s+', ' ', 'g')
                                                                    as account_category,
        trim(account)                                               as account_code,
        nullif(trim(account_description), '')                       as account_description,
        {{ parse_amount('amt') }}                                   as amount

    from source

)

select * from renamed
