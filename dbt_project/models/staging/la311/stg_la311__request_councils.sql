with source as (

    select * from {{ source('la311', 'la_service_requests__geography') }}

),

renamed as (

    select
        trim(sr_number)                 as request_id,
        nullif(trim(nc_id), '')::integer as council_id

    from source

)

select * from renamed
