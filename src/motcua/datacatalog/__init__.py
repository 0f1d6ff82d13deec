"""The city's data catalogue (danh mục cơ sở dữ liệu): each database the city's agencies keep
and its fields, proposed by agencies, reviewed by the coordinating department and approved by the
city as a new version every six months (docs/data-catalogue.md)."""
