with source as (

    select * from {{ source('la_nc', 'neighbourhoods__geography') }}

),

renamed as (

    select
        trim(nc_id)::integer                    as council_id,
        trim(area_km2)::double precision        as area_km2

    from source

)

select * from renamed
