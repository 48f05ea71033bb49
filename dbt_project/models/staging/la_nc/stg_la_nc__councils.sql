with source as (

    select * from {{ source('la_nc', 'neighbourhoods') }}

),

renamed as (

    select
        trim(nc_id)::integer                    as council_id,
        trim(name)                              as council_name,
        nullif(trim(service_re), '')            as service_region,
        nullif(trim(certified), '')::date       as certified_on,
        nullif(trim(waddress), '')              as website,
        geometry                                as boundary_wkt

    from source

)

select * from renamed
