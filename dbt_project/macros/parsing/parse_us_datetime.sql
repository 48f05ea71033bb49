{#- A US date or date-time as text, as a timestamp: `12/31/2017 11:59:58 PM`, `1/1/20 0:05`,
    `01/05/2018`. Month first; two-digit years pivot as Python's %y does (69-99 → 19xx,
    00-68 → 20xx); a 12-hour clock when AM/PM is written. Built with make_timestamp, not
    to_timestamp, so no session time zone can move a wall-clock time (to_timestamp goes
    through timestamptz, and a time in a DST gap would shift). Empty text is null; text
    that is not such a date fails loudly. -#}
{% macro parse_us_datetime(column) -%}
    (select
        case
            when nullif(trim({{ column }}), '') is null then null
            when parts is null then ('not a US date: ' || {{ column }})::timestamp
            else make_timestamp(
                case when length(parts[3]) = 4 then parts[3]::int
                     when parts[3]::int >= 69 then 1900 + parts[3]::int
                     else 2000 + parts[3]::int end,
                parts[1]::int,
                parts[2]::int,
                case when parts[7] is null then coalesce(parts[4], '0')::int
                     else parts[4]::int % 12
                          + case when upper(parts[7]) = 'PM' then 12 else 0 end end,
                coalesce(parts[5], '0')::int,
                coalesce(parts[6], '0')::double precision)
        end
     from (select regexp_match(
              trim({{ column }}),
              '^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$'
          ) as parts) as us_datetime)
{%- endmacro %}
