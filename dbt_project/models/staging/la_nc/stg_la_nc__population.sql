with source as (

    select * from {{ source('la_nc', 'neighbourhoods__population') }}

),

renamed as (

    select
        trim(nc_id)::integer                            as council_id,
        trim(name)                                      as census_council_name,
        round(trim(total_population)::numeric)::integer as population,
        trim(area)::double precision                    as census_area_sq_mi

    from source

)

select * from renamed
