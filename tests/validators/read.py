#!/usr/bin/env python3
"""Reads a bank file with an independent reader and prints what it holds as JSON, or fails.

  read.py bai2 FILE          the `bai2` package's parser, integrity checks on (record order,
                             counts, control totals in the 49/98/99 trailers)
  read.py camt XSD FILE      validated against the ISO 20022 schema by `xmlschema`, then decoded

Prints one JSON object: {"entries": [{"account", "currency", "date", "group", "balances":
{code: amount}}], ...}. Amounts are text, exactly as the reader understood them.
"""

import json
import sys


def bai2_file(path):
    from bai2 import bai2

    with open(path) as f:
        parsed = bai2.parse_from_file(f)
    entries = []
    for group in parsed.children:
        header = group.header
        for account in group.children:
            entries.append({
                "account": account.header.customer_account_number,
                "currency": account.header.currency,
                "date": header.as_of_date.isoformat(),
                "group": {
                    "receiver": header.ultimate_receiver_id,
                    "originator": header.originator_id,
                    "modifier": header.as_of_date_modifier.value,
                },
                "balances": {
                    s.type_code.code: str(s.amount) for s in account.header.summary_items
                },
            })
    return {
        "sender": parsed.header.sender_id,
        "receiver": parsed.header.receiver_id,
        "groups": len(parsed.children),
        "entries": entries,
    }


def camt_file(xsd, path):
    import xmlschema

    schema = xmlschema.XMLSchema(xsd)
    schema.validate(path)
    doc = schema.to_dict(path, decimal_type=str)
    message = doc.get("BkToCstmrStmt") or doc.get("BkToCstmrAcctRpt")
    parts = message.get("Stmt") or message.get("Rpt")
    entries = []
    for part in parts:
        acct = part["Acct"]
        ident = acct["Id"].get("IBAN") or acct["Id"]["Othr"]["Id"]
        servicer = acct.get("Svcr", {}).get("FinInstnId", {})
        balances = {}
        dates = set()
        for bal in part.get("Bal", []):
            code = bal["Tp"]["CdOrPrtry"]["Cd"]
            amount = bal["Amt"]["$"]
            if bal["Amt"]["@Ccy"] != acct["Ccy"]:
                sys.exit(f"{path}: {ident} {code} is in {bal['Amt']['@Ccy']}, not {acct['Ccy']}")
            sign = "-" if bal["CdtDbtInd"] == "DBIT" else ""
            balances[code] = sign + amount
            dates.add(bal["Dt"]["Dt"])
        entries.append({
            "id": part["Id"],
            "account": ident,
            "iban": "IBAN" in acct["Id"],
            "currency": acct["Ccy"],
            "name": acct.get("Nm"),
            "servicer": servicer.get("BICFI") or servicer.get("Othr", {}).get("Id"),
            "date": dates.pop() if len(dates) == 1 else sorted(dates),
            "balances": balances,
        })
    header = message["GrpHdr"]
    return {
        "message_id": header["MsgId"],
        "receiver": header["MsgRcpt"]["Id"]["OrgId"]["Othr"][0]["Id"],
        "entries": entries,
    }


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "bai2":
        result = bai2_file(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "camt":
        result = camt_file(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
