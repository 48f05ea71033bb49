-- Demand for city services against the people and the land each Neighborhood Council
-- holds: requests per 1,000 residents and per km², and how far each council is from the
-- city's median rate. Requests without a council (no coordinates) are left out.
with requests as (

    select council_id from {{ ref('la_service_requests') }}
    where council_id is not null

),

councils as (

    select council_id, council_name, service_region, population, area_km2
    from {{ ref('neighbourhoods') }}

),

counted as (

    select council_id, count(*) as requests
    from requests
    group by council_id

),

rates as (

    select
        councils.council_id,
        councils.council_name,
        councils.service_region,
        councils.population,
        councils.area_km2,
        coalesce(counted.requests, 0)                                   as requests,
        1000.0 * coalesce(counted.requests, 0) / nullif(councils.population, 0)
                                                                        as per_1000,
        coalesce(counted.requests, 0) / nullif(councils.area_km2, 0)   as per_km2
    from councils
    left join counted using (council_id)

),

city as (

    select percentile_cont(0.5) within group (order by per_1000) as median_per_1000
    from rates

),

compared as (

    select
        rates.*,
        city.median_per_1000,
        -- on a log scale, twice and half the median are equally far from it
        case when rates.per_1000 > 0
             then abs(ln(rates.per_1000 / city.median_per_1000)) end   as log_distance
    from rates
    cross join city

),

final as (

    select
        council_id,
        council_name,
        service_region,
        population,
        area_km2,
        requests,
        round(per_1000::numeric, 2)::double precision                  as requests_per_1000_residents,
        round(per_km2::numeric, 2)::double precision                   as requests_per_km2,
        round(median_per_1000::numeric, 2)::double precision           as city_median_per_1000_residents,
        round((per_1000 / median_per_1000)::numeric, 3)::double precision
                                                                        as ratio_to_city_median,
        case when per_1000 >= median_per_1000 then 'above' else 'below' end
                                                                        as side_of_median,
        -- 1 is the council furthest from the median (no requests at all counts as furthest)
        rank() over (order by log_distance desc nulls first)            as distance_rank
    from compared

)

select * from final
