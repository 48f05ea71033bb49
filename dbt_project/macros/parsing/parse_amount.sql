{#- An amount as city spreadsheets write it, as numeric: `" 27,275.25 "`, `(1,200)` (a
    negative, accountants' way), `$1,200.00`, `-35.10`. Empty text is null; anything else
    fails the cast loudly rather than turning into a wrong number. -#}
{% macro parse_amount(column) -%}
    (case when trim({{ column }}) ~ '^\(.*\)$' then -1 else 1 end
     * nullif(regexp_replace(trim({{ column }}), '[\s,$()]', '', 'g'), '')::numeric)
{%- endmacro %}
