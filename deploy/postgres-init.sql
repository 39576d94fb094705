-- One database (and one owner) per service: no service reads another's tables.
CREATE USER referral WITH PASSWORD 'referral';
CREATE DATABASE referral OWNER referral;
CREATE USER payment WITH PASSWORD 'payment';
CREATE DATABASE payment OWNER payment;
CREATE USER staffing WITH PASSWORD 'staffing';
CREATE DATABASE staffing OWNER staffing;
CREATE USER gateway WITH PASSWORD 'gateway';
CREATE DATABASE gateway OWNER gateway;
