with councils as (

    select * from {{ ref('stg_la_nc__councils') }}

),

areas as (

    select * from {{ ref('stg_la_nc__areas') }}

),

population as (

    select * from {{ ref('stg_la_nc__population') }}

),

final as (

    select
        councils.council_id,
        councils.council_name,
        councils.service_region,
        councils.certified_on,
        councils.website,
        round(areas.area_km2::numeric, 3)::double precision             as area_km2,
        population.population,
        round((population.population / areas.area_km2)::numeric, 1)::double precision
                                                                        as population_per_km2,
        councils.boundary_wkt                                           as geometry

    from councils
    inner join areas using (council_id)
    inner join population using (council_id)

)

select * from final
